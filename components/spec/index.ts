export * from "./schema";
export * from "./issues";
export * from "./models";
export * from "./regions";
export { validateTeamSpec, parseTeamSpec, type ValidationResult } from "./validate";
