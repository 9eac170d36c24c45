// Istio's sample manifests from the seeded releases (../shared/seeds/istio-samples), and which of
// them a Weft runtime is expected to take.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { packageRoot } from '../../src/runtime/paths.js';

export const istioSamplesRoot = process.env.WEFT_ISTIO_SAMPLES ?? join(packageRoot, '..', 'shared', 'seeds', 'istio-samples');

/** The sample directories the issue names, under each release's samples/. */
const SAMPLE_DIRS = ['bookinfo/platform/kube', 'bookinfo/networking', 'httpbin', 'sleep', 'curl', 'helloworld', 'tcp-echo', 'addons'];

/**
 * API groups outside what Weft serves, so a file using any of them is left out: cert-manager and
 * Prometheus-operator CRDs (third-party add-ons), the Gateway API (a separate issue), and Istio's
 * Mixer-era config.istio.io / rbac.istio.io and v1alpha2 RouteRule / DestinationPolicy, removed
 * from Istio long ago (1.0.4's samples still ship them).
 */
const OUT_OF_SCOPE = [
  'certmanager.k8s.io/', 'cert-manager.io/', 'monitoring.coreos.com/', 'gateway.networking.k8s.io/',
  'config.istio.io/', 'rbac.istio.io/', 'networking.istio.io/v1alpha2', 'authentication.istio.io/',
];

export interface SampleFile {
  /** Path under istioSamplesRoot: istio-1.24.6/samples/httpbin/httpbin.yaml */
  name: string;
  text: string;
  /** Why the file is left out, when it is. */
  skip?: string;
  /** Namespaces its objects name. */
  namespaces: string[];
}

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Every *.yaml under the listed sample directories of every seeded release; empty when none is seeded. */
export function istioSampleFiles(): SampleFile[] {
  if (!existsSync(istioSamplesRoot)) return [];
  const out: SampleFile[] = [];
  for (const release of readdirSync(istioSamplesRoot).filter((d) => d.startsWith('istio-')).sort()) {
    const seen = new Set<string>();
    for (const sub of SAMPLE_DIRS) {
      for (const path of yamlFiles(join(istioSamplesRoot, release, 'samples', sub))) {
        if (seen.has(path)) continue;
        seen.add(path);
        const text = readFileSync(path, 'utf8');
        const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
        const objects = docs.filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null && !Array.isArray(d));
        const versions = objects.map((o) => String(o['apiVersion'] ?? ''));
        const foreign = versions.find((v) => OUT_OF_SCOPE.some((p) => v.startsWith(p)));
        const kube = objects.some((o) => typeof o['kind'] === 'string' && typeof o['apiVersion'] === 'string');
        const namespaces = [...new Set(objects.map((o) => (o['metadata'] as { namespace?: unknown } | undefined)?.namespace).filter((n): n is string => typeof n === 'string'))];
        const skip = !kube ? 'not a Kubernetes resource (kustomization, values, ...)' : foreign ? `uses ${foreign}, outside the kinds Weft serves` : undefined;
        out.push({ name: relative(istioSamplesRoot, path), text, namespaces, ...(skip ? { skip } : {}) });
      }
    }
  }
  return out;
}
