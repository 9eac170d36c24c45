// Whether a pod gets a sidecar: Istio's namespace labels, pod label/annotation and safety rules.
//
// Istio decides in two places: the mutating webhook's namespace and object selectors (which pods the
// injector is even asked about) and the injector's own check (host network, system namespaces, the
// pod's `sidecar.istio.io/inject` value). Weft has no webhook, so both halves live here.

export const SIDECAR_CONTAINER = 'istio-proxy';
export const INJECT_KEY = 'sidecar.istio.io/inject';
export const STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const NAMESPACE_INJECTION_LABEL = 'istio-injection';
export const REVISION_LABEL = 'istio.io/rev';

/** Kubernetes system namespaces Istio never injects into, whatever the pod asks. */
export const IGNORED_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);

/** The control plane's namespace: only pods that ask for a sidecar get one. */
const CONTROL_PLANE_NAMESPACE = 'istio-system';

// Istio reads the value as a YAML 1.1 boolean; any other non-empty value means "do not inject".
const YAML_TRUE = new Set(['y', 'yes', 'true', 'on']);

type StringMap = Record<string, string>;

export interface PodLike {
  metadata: { namespace?: string; labels?: StringMap; annotations?: StringMap };
  spec?: { containers?: ReadonlyArray<{ name: string }>; hostNetwork?: unknown };
}

/**
 * The pod's own choice: true, false, or undefined when it states none. The label is the current API
 * and wins over the deprecated annotation when both are present.
 */
export function podInjectChoice(meta: PodLike['metadata']): boolean | undefined {
  const raw = meta.labels && Object.hasOwn(meta.labels, INJECT_KEY) ? meta.labels[INJECT_KEY] : meta.annotations?.[INJECT_KEY];
  if (raw === undefined || raw === '') return undefined;
  return YAML_TRUE.has(raw.toLowerCase());
}

/** A pod that already carries the sidecar (injected, or written out by kube-inject). */
export function isInjected(pod: PodLike): boolean {
  if (pod.metadata.annotations?.[STATUS_ANNOTATION] !== undefined) return true;
  return (pod.spec?.containers ?? []).some((c) => c.name === SIDECAR_CONTAINER);
}

type NamespaceMode = 'enabled' | 'disabled' | 'unset';

function namespaceMode(labels: StringMap | undefined): NamespaceMode {
  const v = labels?.[NAMESPACE_INJECTION_LABEL];
  // Only "enabled" selects the namespace; any other value also keeps the revision and object
  // selectors from matching (they require the label to be absent), so it disables injection.
  if (v !== undefined) return v === 'enabled' ? 'enabled' : 'disabled';
  // Weft runs one control plane, so any revision name selects it.
  if (labels?.[REVISION_LABEL] !== undefined) return 'enabled';
  return 'unset';
}

/** Automatic injection: what Istio's webhook would do for a pod created in a namespace with these labels. */
export function shouldInject(pod: PodLike, namespaceLabels: StringMap | undefined): boolean {
  if (isInjected(pod)) return false;
  if (pod.spec?.hostNetwork === true) return false;
  const namespace = pod.metadata.namespace ?? 'default';
  if (IGNORED_NAMESPACES.has(namespace)) return false;
  const choice = podInjectChoice(pod.metadata);
  if (choice === false) return false;
  const revisionLabel = pod.metadata.labels?.[REVISION_LABEL] !== undefined;
  switch (namespaceMode(namespaceLabels)) {
    case 'disabled':
      return false;
    case 'enabled':
      return namespace === CONTROL_PLANE_NAMESPACE ? choice === true || revisionLabel : true;
    case 'unset':
      // The pod opts in itself: the label (Istio's object selector), a revision label, or the
      // annotation "true" (in Weft the injector sees every pod, so the annotation works anywhere).
      return choice === true || revisionLabel;
  }
}

/** Why manual injection (kube-inject) leaves a pod alone, or undefined to inject. Namespace labels do not matter there. */
export function manualInjectionBlock(pod: PodLike): 'host networking enabled' | 'sidecar injection disabled' | undefined {
  if (pod.spec?.hostNetwork === true) return 'host networking enabled';
  if (IGNORED_NAMESPACES.has(pod.metadata.namespace ?? 'default')) return 'sidecar injection disabled';
  if (podInjectChoice(pod.metadata) === false) return 'sidecar injection disabled';
  return undefined;
}
