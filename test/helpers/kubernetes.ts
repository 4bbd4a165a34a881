// Kubernetes objects checked as the API server and kubectl would: kubernetes-models' validators
// (generated from the official OpenAPI) and YAML read with the 1.1 rules kubectl's parser uses.
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Pod } from 'kubernetes-models/v1/Pod';
import { parseAllDocuments } from 'yaml';

/** Throws with the schema's message when the object is not a valid instance of its kind. */
export function validateK8s(object: unknown): void {
  const { kind } = object as { kind: string };
  if (kind === 'ConfigMap') new ConfigMap(object as never).validate();
  else if (kind === 'Job') new Job(object as never).validate();
  else if (kind === 'Pod') new Pod(object as never).validate();
  else throw new Error(`no validator for kind ${kind}`);
}

export interface K8sDocument {
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

/** The documents of a multi-document YAML as kubectl reads them; throws on a YAML error. */
export function readAsKubectl(text: string): K8sDocument[] {
  return parseAllDocuments(text, { version: '1.1' }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`not valid YAML: ${doc.errors[0].message}`);
    return doc.toJS() as K8sDocument;
  });
}
