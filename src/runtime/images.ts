// Built-in programs stand in for container images; anything else needs a local command.

export const LOCAL_COMMAND_ANNOTATION_PREFIX = 'local-command.weft.dev/';

export type ImagePlan =
  | { kind: 'fake-service' }
  | { kind: 'istiod' }
  | { kind: 'proxy' }
  | { kind: 'tools' }
  /** One of Weft's sample programs (Bookinfo, httpbin, ...): `entry` is its main module under dist/src. */
  | { kind: 'sample'; entry: string }
  | { kind: 'local-command'; command: string }
  | { kind: 'missing'; message: string };

const FAKE_SERVICE = ['nicholasjackson/fake-service', 'rinormaloku/happy-service'];
const ISTIOD = ['istio/pilot'];
const PROXY = ['istio/proxyv2', 'istio/proxy'];
const TOOLS = ['radial/busyboxplus', 'curlimages/curl', 'busybox', 'alpine', 'curlimages/curl-base', 'nicolaka/netshoot', 'governmentpaas/curl-ssl', 'tutum/curl'];

/** Images Weft knows but cannot stand in for, and what they need. */
const NEEDS_DATABASE: Record<string, string> = {
  'istio/examples-bookinfo-ratings-v2': 'a MongoDB database (or MySQL with DB_TYPE=mysql): ratings-v2 reads the ratings from it and Weft runs no database; use ratings-v1',
  'istio/examples-bookinfo-mongodb': 'MongoDB, which Weft does not run',
  'istio/examples-bookinfo-mysqldb': 'MySQL, which Weft does not run',
};

/**
 * The sample workloads of Istio's tasks, by image repository (any tag): the program under dist/src that
 * stands in for each. The container's command and args are passed to it.
 */
const SAMPLES: ReadonlyArray<{ repos: readonly string[]; entry: string }> = [
  // Bookinfo. The database-backed ratings-v2 images are left out: they need MongoDB or MySQL.
  { repos: ['istio/examples-bookinfo-productpage-v1'], entry: 'samples/bookinfo/productpage-main.js' },
  { repos: ['istio/examples-bookinfo-details-v1'], entry: 'samples/bookinfo/details-main.js' },
  { repos: ['istio/examples-bookinfo-details-v2'], entry: 'samples/bookinfo/details-v2-main.js' },
  { repos: ['istio/examples-bookinfo-ratings-v1'], entry: 'samples/bookinfo/ratings-main.js' },
  { repos: ['istio/examples-bookinfo-reviews-v1'], entry: 'samples/bookinfo/reviews-v1-main.js' },
  { repos: ['istio/examples-bookinfo-reviews-v2'], entry: 'samples/bookinfo/reviews-v2-main.js' },
  { repos: ['istio/examples-bookinfo-reviews-v3'], entry: 'samples/bookinfo/reviews-v3-main.js' },
  // Each helloworld image bakes its own SERVICE_VERSION in, hence one entry per version.
  { repos: ['istio/examples-helloworld-v1'], entry: 'samples/helloworld/v1.js' },
  { repos: ['istio/examples-helloworld-v2'], entry: 'samples/helloworld/v2.js' },
  { repos: ['istio/tcp-echo-server'], entry: 'samples/tcp-echo/main.js' },
  // Without args it serves, as the image's default command does.
  { repos: ['fortio/fortio', 'istio/fortio'], entry: 'tools/fortio/main.js' },
  { repos: ['kennethreitz/httpbin'], entry: 'samples/httpbin/main.js' },
  { repos: ['citizenstig/httpbin'], entry: 'samples/httpbin/citizenstig-main.js' },
  { repos: ['mccutchen/go-httpbin'], entry: 'samples/httpbin/go-main.js' },
];

/** The repository part of an image reference: registry host and docker.io/library prefixes dropped, tag and digest dropped. */
export function imageRepository(image: string): string {
  let ref = image.split('@')[0]!;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  const parts = ref.split('/');
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return parts.join('/');
}

export function planImage(image: string, containerName: string, annotations: Record<string, string> | undefined): ImagePlan {
  const local = annotations?.[`${LOCAL_COMMAND_ANNOTATION_PREFIX}${containerName}`];
  if (local !== undefined && local.trim() !== '') return { kind: 'local-command', command: local };
  const repo = imageRepository(image);
  if (FAKE_SERVICE.includes(repo)) return { kind: 'fake-service' };
  if (ISTIOD.includes(repo)) return { kind: 'istiod' };
  if (PROXY.includes(repo)) return { kind: 'proxy' };
  if (TOOLS.includes(repo)) return { kind: 'tools' };
  const sample = SAMPLES.find((x) => x.repos.includes(repo));
  if (sample) return { kind: 'sample', entry: sample.entry };
  const needs = NEEDS_DATABASE[repo];
  if (needs) return { kind: 'missing', message: `image "${image}" is not built into Weft: it needs ${needs}` };
  return {
    kind: 'missing',
    message:
      `image "${image}" is not built into Weft (built in: ${[...FAKE_SERVICE, ...ISTIOD, ...PROXY, ...TOOLS, ...SAMPLES.flatMap((x) => x.repos)].join(', ')}); ` +
      `to run a local command instead, annotate the pod with ${LOCAL_COMMAND_ANNOTATION_PREFIX}${containerName}: "<command>"`,
  };
}
