// support/hooks.js — late-bound links between layers that must not import each other:
// the application installs its partial renderer here so models can broadcast rendered HTML.
export const hooks = {
  renderPartial: null, // (partialPath, locals) -> html string
  appName: null,       // GlobalID app name for stream names of records
};
