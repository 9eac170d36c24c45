// YAML laid out as kubectl's -o yaml (sigs.k8s.io/yaml over go-yaml v2): keys sorted, sequences
// not indented under their key, no line folding, and strings quoted the way go-yaml quotes them.

import { Document, isScalar, visit, Scalar } from 'yaml';

export function kubectlYaml(value: unknown): string {
  const doc = new Document(value, { keepUndefined: false, sortMapEntries: true });
  visit(doc, {
    Scalar(_key, node) {
      // go-yaml double-quotes a string that would read back as another type under YAML 1.1
      // ("80", "yes", "", timestamps); other strings needing quotes get single quotes.
      if (isScalar(node) && typeof node.value === 'string' && resolvesToNonString(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, singleQuote: true });
}

const yaml11Words = new Set([
  '', '~', 'null', 'Null', 'NULL',
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '.nan', '.NaN', '.NAN',
]);

function resolvesToNonString(s: string): boolean {
  if (yaml11Words.has(s)) return true;
  const plain = s.replace(/_/g, '');
  if (/^[-+]?(0b[01]+|0x[0-9a-fA-F]+|0o?[0-7]+|[0-9]+)$/.test(plain)) return true;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain)) return true;
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)) return true;
  return /^\d{4}-\d{1,2}-\d{1,2}((?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(\.\d*)?([ \t]*(Z|[-+]\d{1,2}(:\d{2})?))?)?$/.test(s);
}
