export * from "./policy";
export * from "./contract";
export { fnmatch, fnmatchRegExp } from "./fnmatch";
export * from "./platform";
