// Builds dist/ once before the suites run, so the CLIs they spawn (bin/*.js) never rebuild it
// while another worker reads it.
module.exports = () => {
  require("../scripts/build-dist.js").ensureBuilt();
};
