// cli/routes.js — `quickrail routes`: prints the app's routes table as `rails routes` does.
import { argv, appDir, exists, exit, fail } from "./common.js";
import { drawRoutes, findFile, loadRoutes } from "quickrail";

async function main() {
  const file = findFile(appDir(), "config/routes");
  if (!file) throw new Error("config/routes.rb (or config/routes.js) not found in " + appDir() + " (run this from an app folder)");
  const router = drawRoutes(await loadRoutes(file));
  const grep = argv().find((a, i, all) => all[i - 1] === "-g" || all[i - 1] === "--grep");
  let out = router.table();
  if (grep) out = out.split("\n").filter((l, i) => i === 0 || l.includes(grep)).join("\n");
  console.log(out);
}
main().then(() => exit(0), fail);
