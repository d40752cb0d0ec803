/** Every rule, in the order reports list them. One file per rule. */
import type { Rule } from "../types";
import { awsCloudwatchLogGroupName } from "./aws-cloudwatch-log-group-name";
import { awsEc2AmiArchitecture } from "./aws-ec2-ami-architecture";
import { awsEc2RootVolumeSnapshot } from "./aws-ec2-root-volume-snapshot";
import { awsEc2UserDataSize } from "./aws-ec2-user-data-size";
import { awsEcrRepositoryName } from "./aws-ecr-repository-name";
import { awsIamNameLength } from "./aws-iam-name-length";
import { awsIamPolicySize } from "./aws-iam-policy-size";
import { awsIamRoleQuota } from "./aws-iam-role-quota";
import { awsSecurityGroupRuleCount } from "./aws-security-group-rule-count";
import { awsSsmDocumentLimits } from "./aws-ssm-document-limits";
import { awsSsmParameterLimits } from "./aws-ssm-parameter-limits";
import { awsTagLimits } from "./aws-tag-limits";
import { githubAppPermissions } from "./github-app-permissions";
import { githubAppPermissionsNeeded } from "./github-app-permissions-needed";
import { githubContentRate } from "./github-content-rate";
import { githubEnvironmentReviewersLimit } from "./github-environment-reviewers-limit";
import { githubPlanFeatures } from "./github-plan-features";
import { githubRulesetBypassActors } from "./github-ruleset-bypass-actors";
import { configPlaintextSecrets } from "./config-plaintext-secrets";
import { dataSafety } from "./data-safety";
import { ec2EncryptedVolumes } from "./ec2-encrypted-volumes";
import { ec2Imdsv2 } from "./ec2-imdsv2";
import { ec2NoAdminIngress } from "./ec2-no-admin-ingress";
import { ec2NoKeyPair } from "./ec2-no-key-pair";
import { ecrImmutableTags } from "./ecr-immutable-tags";
import { ecrKmsEncryption } from "./ecr-kms-encryption";
import { ecrLifecyclePolicy } from "./ecr-lifecycle-policy";
import { ecrScanOnPush } from "./ecr-scan-on-push";
import { environmentCoverage } from "./environment-coverage";
import { githubBranchNoBypass } from "./github-branch-no-bypass";
import { githubBranchProtection } from "./github-branch-protection";
import { githubBranchTwoApprovals } from "./github-branch-two-approvals";
import { githubNoPlaintextSecrets } from "./github-no-plaintext-secrets";
import { githubProductionReviewers } from "./github-production-reviewers";
import { githubReleaseTagsImmutable } from "./github-release-tags-immutable";
import { githubRepositoryPrivate } from "./github-repository-private";
import { iamDeployRoleOneEnvironment } from "./iam-deploy-role-one-environment";
import { iamNoWildcardAction } from "./iam-no-wildcard-action";
import { iamNoWildcardResource } from "./iam-no-wildcard-resource";
import { iamOidcTrust } from "./iam-oidc-trust";
import { k8sImageDigest } from "./k8s-image-digest";
import { k8sNoPrivilegedPods } from "./k8s-no-privileged-pods";
import { k8sProbes } from "./k8s-probes";
import { k8sResources } from "./k8s-resources";
import { kubernetesObjectNames } from "./kubernetes-object-names";
import { releaseOneArchitecture } from "./release-one-architecture";

export const RULES: readonly Rule[] = [
  ecrImmutableTags,
  ecrScanOnPush,
  ecrKmsEncryption,
  ecrLifecyclePolicy,
  ec2Imdsv2,
  ec2EncryptedVolumes,
  ec2NoAdminIngress,
  ec2NoKeyPair,
  iamNoWildcardAction,
  iamNoWildcardResource,
  iamOidcTrust,
  iamDeployRoleOneEnvironment,
  githubBranchProtection,
  githubBranchTwoApprovals,
  githubBranchNoBypass,
  githubProductionReviewers,
  githubReleaseTagsImmutable,
  githubNoPlaintextSecrets,
  githubRepositoryPrivate,
  k8sNoPrivilegedPods,
  k8sProbes,
  k8sResources,
  k8sImageDigest,
  dataSafety,
  environmentCoverage,
  // Preflight: the limits and refusals of the real APIs, each citing its source.
  awsEc2UserDataSize,
  awsEc2AmiArchitecture,
  awsEc2RootVolumeSnapshot,
  releaseOneArchitecture,
  awsIamPolicySize,
  awsIamRoleQuota,
  awsIamNameLength,
  awsSecurityGroupRuleCount,
  awsSsmParameterLimits,
  awsSsmDocumentLimits,
  awsEcrRepositoryName,
  awsCloudwatchLogGroupName,
  awsTagLimits,
  githubRulesetBypassActors,
  githubPlanFeatures,
  githubEnvironmentReviewersLimit,
  githubAppPermissions,
  githubAppPermissionsNeeded,
  githubContentRate,
  kubernetesObjectNames,
  configPlaintextSecrets,
];
