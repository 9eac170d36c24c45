// What the injector needs to know about the mesh: Istio's injection values, reduced to what Weft uses.

export interface InjectionSettings {
  /** Istio version the proxy reports, e.g. "1.12.2". */
  version: string;
  /** e.g. "docker.io/istio/proxyv2:1.12.2". */
  proxyImage: string;
  /** istiod's xDS and CA address, e.g. "istiod.istio-system.svc:15012". */
  discoveryAddress: string;
  /** ISTIO_META_CLUSTER_ID, "Kubernetes" unless multi-cluster. */
  clusterName: string;
  /** e.g. "cluster.local". */
  trustDomain: string;
  /** Defaults to the trust domain, as Istio does. */
  meshId?: string;
}

/** The values a default `istioctl install` injects with. */
export function defaultInjectionSettings(version: string): InjectionSettings {
  return {
    version,
    proxyImage: `docker.io/istio/proxyv2:${version}`,
    discoveryAddress: 'istiod.istio-system.svc:15012',
    clusterName: 'Kubernetes',
    trustDomain: 'cluster.local',
  };
}
