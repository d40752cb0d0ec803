/**
 * How big a server's root volume is (`environments[i].rootVolumeGiB`, `previews.rootVolumeGiB`):
 * the disk the server's images need, never below Amazon Linux 2023's AMI snapshot. Pure: the
 * spec in, a size and the sum behind it out; the server runtime, the plan's cost and the docs
 * use the same numbers.
 *
 * What a server holds (every figure an assumption, stated in `detail`):
 *   SERVER_BASE_DISK_GIB: Amazon Linux (about 1.6 GiB used of the AMI), Docker, the Go toolchain
 *     that builds kamal-proxy at first boot (the build's own 1.5 GiB is temporary, before any
 *     image), the 1 GiB swap file, and the journal.
 *   + per service, its first image (IMAGE_GIB) and, for every further image of the same service,
 *     only the layers that differ (LAYER_GIB): releases and previews of one service are built
 *     from the same Dockerfile and share its base layers, which Docker stores once.
 *     An environment's server keeps the current and KEEP_RELEASES previous releases of each
 *     service (the deploy agent prunes the rest after every switch); previews' server up to
 *     `maxPerService` previews of each.
 *   + one image being pulled (IMAGE_GIB: a release whose base changed shares nothing).
 * Logs take no room here: containers log to CloudWatch (Docker's awslogs driver).
 *
 * The result is rounded up to whole GiB and raised to AMI_ROOT_SNAPSHOT_GIB: EC2 refuses a root
 * volume smaller than the AMI's snapshot ("Volume of size … is smaller than snapshot …", e.g.
 * amazonlinux/amazon-linux-2023 issue #268); the standard Amazon Linux 2023 AMI's is 8 GiB
 * (amazon-linux-2023 issue #63: "The non-minimal AMI uses an 8GB snapshot boot drive").
 */
import type { EnvironmentSpec } from "./schema";

/** Root snapshot of the standard Amazon Linux 2023 AMI, GiB: EC2's floor for its root volume. */
export const AMI_ROOT_SNAPSHOT_GIB = 8;
/** The OS, Docker, the Go toolchain, the 1 GiB swap file and the journal, GiB. */
export const SERVER_BASE_DISK_GIB = 4;
/** A service's image with its base layers (a slim Node or Python image with dependencies), GiB. */
export const IMAGE_GIB = 0.5;
/** What a further image of the same service adds (its own layers; the base is shared), GiB. */
export const LAYER_GIB = 0.15;
/** Previous releases the deploy agent keeps per service for rollback (its KEEP_RELEASES default). */
export const KEEP_RELEASES = 2;
/** gp3's largest volume, GiB (EBS volume types: 1 GiB – 16 TiB). */
export const MAX_ROOT_VOLUME_GIB = 16384;

/** A server's root volume: the size used and why. */
export interface ServerDisk {
  /** GiB the volume gets: the spec's, else the need rounded up and raised to the AMI's snapshot. */
  readonly gib: number;
  /** GiB the model says the server needs (before rounding and the snapshot floor). */
  readonly neededGib: number;
  /** True when the spec gave the size (`rootVolumeGiB`). */
  readonly explicit: boolean;
  /** The sum in words, for the plan and errors. */
  readonly detail: string;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A server holding `imagesPerService` images of each of `services` services; `explicit`: the spec's size. */
function disk(services: number, imagesPerService: number, what: string, explicit?: number): ServerDisk {
  const images = services * (IMAGE_GIB + (imagesPerService - 1) * LAYER_GIB);
  const neededGib = round2(SERVER_BASE_DISK_GIB + images + (services > 0 ? IMAGE_GIB : 0));
  const sized = Math.max(AMI_ROOT_SNAPSHOT_GIB, Math.ceil(neededGib));
  const sum =
    `${SERVER_BASE_DISK_GIB} GiB system + ${services} service(s) × ${imagesPerService} image(s) ` +
    `(${IMAGE_GIB} GiB, then ${LAYER_GIB} GiB each: ${what})` +
    `${services > 0 ? ` + ${IMAGE_GIB} GiB pull` : ""} = ${neededGib} GiB`;
  return explicit !== undefined
    ? {
        gib: explicit,
        neededGib,
        explicit: true,
        detail: `${explicit} GiB as the spec says (the model: ${sum})`,
      }
    : {
        gib: sized,
        neededGib,
        explicit: false,
        detail: `${sum}${sized > Math.ceil(neededGib) ? `, raised to the AMI's ${AMI_ROOT_SNAPSHOT_GIB} GiB snapshot` : ""}`,
      };
}

/**
 * The root volume of `env`'s own server: its services' releases, plus every preview when previews
 * share this server (`previews` is then their `maxPerService`).
 */
export function environmentServerDisk(
  spec: { readonly services: readonly unknown[] },
  env: Pick<EnvironmentSpec, "rootVolumeGiB">,
  sharedPreviews?: { readonly maxPerService: number },
): ServerDisk {
  const releases = 1 + KEEP_RELEASES;
  const previews = sharedPreviews?.maxPerService ?? 0;
  const what =
    `current + ${KEEP_RELEASES} kept release(s)` + (previews > 0 ? ` + ${previews} preview(s)` : "");
  return disk(spec.services.length, releases + previews, what, env.rootVolumeGiB);
}

/** The root volume of previews' own server (`previews.instanceType`): up to maxPerService each. */
export function previewServerDisk(
  spec: { readonly services: readonly unknown[] },
  previews: { readonly maxPerService: number; readonly rootVolumeGiB?: number },
): ServerDisk {
  return disk(
    spec.services.length,
    previews.maxPerService,
    `up to ${previews.maxPerService} preview(s)`,
    previews.rootVolumeGiB,
  );
}
