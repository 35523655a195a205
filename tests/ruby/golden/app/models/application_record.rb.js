import { ApplicationRecord as $ApplicationRecord } from "quickrail"; let $t; export default class ApplicationRecord extends $ApplicationRecord { static abstractClass = true; }
