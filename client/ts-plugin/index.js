// tsserver loads a plugin by package name from the extension's node_modules, so this package
// (copied there by npm, see .npmrc) forwards to the bundle that the build writes to dist/.
const plugin = require('../../dist/tsPlugin.js');
module.exports = plugin.default ?? plugin;
