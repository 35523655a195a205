import ApplicationCable$Channel from "../../app/channels/application_cable/channel.rb"; import * as $rb from "quickrail/ruby"; let $t; export default class ChatChannel extends ApplicationCable$Channel {
 subscribed() {
 return this.streamFrom(`chat_${$rb.s($rb.idx(this.params, "room"))}`);
 }

 speak(data) {
 return $rb.cableBroadcast(`chat_${$rb.s($rb.idx(this.params, "room"))}`, { message: $rb.idx(data, "message"), at: new Date() });
 }

 unsubscribed() {
 return this.stopAllStreams();
 }
 }
