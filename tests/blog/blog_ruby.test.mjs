// The Ruby blog (examples/blog-ruby, compiled by quickrail) through the real server: the same
// cases as the JavaScript blog (blog_suite.mjs).
import { blogSuite } from "./blog_suite.mjs";

blogSuite("ruby");
