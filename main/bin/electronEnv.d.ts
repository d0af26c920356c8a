export function electronBuildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv
