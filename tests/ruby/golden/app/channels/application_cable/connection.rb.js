import { Connection as $Connection } from "quickrail"; import * as $rb from "quickrail/ruby"; let $t;
 export default class Connection extends $Connection {
 static $3 = void this.identifiedBy("currentUser");

 connect() {
 return (this.currentUser = this.findVerifiedUser());
 }


 findVerifiedUser() {
 return (($t = $rb.idx($rb.g(this.cookies, "encrypted"), "user_id")) != null && $t !== false ? $t : this.rejectUnauthorizedConnection());
 }
 }
