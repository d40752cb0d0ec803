export * from "./schema";
export * from "./issues";
export * from "./models";
export * from "./regions";
export * from "./identity";
export * from "./previews";
export * from "./server-disk";
export { validateTeamSpec, parseTeamSpec, type ValidationResult } from "./validate";
export * from "./kubernetes";
export {
  environmentNameIssues,
  formerNameIssues,
  textIssues,
  RESERVED_ENVIRONMENT_NAMES,
} from "./collisions";
export { plaintextSecretsIn, SECRET_SETTINGS } from "./secrets";
