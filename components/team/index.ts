export * from "./schema";
export * from "./issues";
export * from "./models";
export * from "./regions";
export * from "./identity";
export { validateTeamSpec, parseTeamSpec, type ValidationResult } from "./validate";
export * from "./kubernetes";
