import { Channel as $Channel } from "quickrail"; let $t;
 export default class Channel extends $Channel {
 }
