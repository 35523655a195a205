// Tailwind CSS v3 configuration: scans the views for utility classes.
// scripts/build-assets.sh builds the blog's application.tailwind.css into public/assets/.
module.exports = {
  content: [__dirname + "/app/views/**/*.erb", __dirname + "/app/helpers/**/*.rb"],
  theme: { extend: {} },
  plugins: [],
};
