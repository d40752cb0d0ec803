/**
 * The shape of each branch-model preset that validation needs: which environment roles a model
 * can deploy to, and which role must exist before another (a promotion needs its source).
 * The full story (branches, tags, patterns, subjects) is the release policy's; it reads this.
 */
import type { BranchModel, EnvironmentRole } from "./schema";

export interface ModelShape {
  /** Roles the model has a trigger for. */
  readonly roles: readonly EnvironmentRole[];
  /** role -> the role whose release it promotes (its image must have been there first). */
  readonly promotesFrom: Readonly<Partial<Record<EnvironmentRole, EnvironmentRole>>>;
}

export const MODEL_SHAPES: Readonly<Record<BranchModel, ModelShape>> = {
  trunk: { roles: ["integration", "staging", "production"], promotesFrom: { production: "staging" } },
  "staging-branch": { roles: ["staging", "production"], promotesFrom: {} },
  "pre-production": {
    roles: ["integration", "staging", "production"],
    promotesFrom: { production: "staging" },
  },
};
