// The two-tab Chromium test against the Ruby blog (examples/blog-ruby): see two_tabs.mjs.
import { twoTabs } from "./two_tabs.mjs";

twoTabs("ruby");
