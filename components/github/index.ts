export * from "./principals";
export * from "./codeowners";
export * from "./rulesets";
export * from "./settings";
export * from "./team";
export * from "./repository";
export * from "./team-repositories";
export * from "./environment";
