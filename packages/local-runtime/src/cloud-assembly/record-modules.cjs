// Loaded into a synthesizing CDK app with NODE_OPTIONS=--require: when the process ends, it appends
// the source files the app required (outside node_modules) to SFN_LOCAL_MODULES_FILE, so the synth
// cache also notices changes to code the app imports from outside its own folder.
const fs = require('node:fs');

const target = process.env.SFN_LOCAL_MODULES_FILE;
if (target) {
  process.once('exit', () => {
    const files = Object.keys(require.cache).filter(
      (file) => file.startsWith('/') && !file.includes('/node_modules/'),
    );
    try {
      fs.appendFileSync(target, files.map((file) => `${file}\n`).join(''));
    } catch {
      // The cache then knows only the app folder's files, as without this recorder.
    }
  });
}
