// The JavaScript blog (examples/blog) through the real server: the cases are in blog_suite.mjs.
import { blogSuite } from "./blog_suite.mjs";

blogSuite("js");
