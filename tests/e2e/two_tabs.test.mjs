// The two-tab Chromium test against the JavaScript blog (examples/blog): see two_tabs.mjs.
import { twoTabs } from "./two_tabs.mjs";

twoTabs("js");
