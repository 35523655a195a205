// Helpers every view of the blog can call.
export function pageTitle(title) { return title ? title + " · Blog" : "Blog"; }
