// Tailwind CSS v3 configuration: scans the views for utility classes.
// scripts/build-assets.sh builds app/assets/stylesheets/application.tailwind.css into public/assets/.
module.exports = {
  content: [__dirname + "/app/views/**/*.erb", __dirname + "/app/helpers/**/*.js"],
  theme: { extend: {} },
  plugins: [],
};
