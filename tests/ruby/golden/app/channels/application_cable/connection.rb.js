import { Connection as $Connection } from "quickrail"; let $t;
 export default class Connection extends $Connection {
 }
