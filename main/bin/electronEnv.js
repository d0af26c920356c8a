// npm passes its config to scripts and their children as npm_config_* variables. A nodedir
// there (set on machines where node-gyp must not download Node's headers) makes node-gyp
// build against Node's headers even when asked for Electron's, and a runtime or target
// overrides ours: the result would load under Node and fail inside Electron. Every build
// for Electron (brokerlab start's, electron-builder's rebuild) runs without them.
const FOR_NODE = /^npm_config_(nodedir|runtime|target|disturl|dist_url|arch|build_from_source)$/i

/** The environment minus the npm settings that would make a native build target Node. */
export function electronBuildEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !FOR_NODE.test(name)))
}
