/** Kubernetes-object facts read from parsed documents: kinds, names, ImagePolicies and their images. */
import type { Document } from 'yaml';
import type { ImagePolicySpec } from '../flux/tag-order.ts';
import type { YamlFile } from './yaml-file.ts';

export interface ObjectId {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

export function objectId(doc: Document): ObjectId {
  return {
    apiVersion: text(doc.getIn(['apiVersion'])),
    kind: text(doc.getIn(['kind'])),
    name: text(doc.getIn(['metadata', 'name'])),
    namespace: text(doc.getIn(['metadata', 'namespace'])),
  };
}

export const isHelmRelease = (id: ObjectId) => id.kind === 'HelmRelease';

/** kustomize's own kustomization (not Flux's Kustomization custom resource). */
export const isKustomizationFileName = (path: string) =>
  /(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(path);

export const isFluxKustomization = (id: ObjectId) =>
  id.kind === 'Kustomization' && (id.apiVersion ?? '').startsWith('kustomize.toolkit.fluxcd.io/');

export interface PolicyInfo {
  /** `<namespace>:<name>`; namespace `*` when the manifest leaves it to the kustomization. */
  key: string;
  spec: ImagePolicySpec;
  /** The image of the referenced ImageRepository, when that manifest is present too. */
  image?: string;
  where: string;
}

/** ImagePolicies and ImageRepositories found in the given files, joined. */
export class PolicyIndex {
  private readonly policies: PolicyInfo[] = [];

  constructor(files: YamlFile[]) {
    const repositories = new Map<string, string>();
    const pending: { info: PolicyInfo; ref: string }[] = [];
    for (const file of files) {
      file.docs.forEach((doc, index) => {
        const id = objectId(doc);
        if (!(id.apiVersion ?? '').startsWith('image.toolkit.fluxcd.io/') || !id.name) return;
        const namespace = id.namespace ?? '*';
        if (id.kind === 'ImageRepository') {
          const image = text(doc.getIn(['spec', 'image']));
          if (image) repositories.set(`${namespace}:${id.name}`, image);
        } else if (id.kind === 'ImagePolicy') {
          const spec = (
            doc.toJS() as {
              spec?: ImagePolicySpec & { imageRepositoryRef?: { name?: string; namespace?: string } };
            }
          ).spec;
          if (!spec) return;
          const info: PolicyInfo = {
            key: `${namespace}:${id.name}`,
            spec,
            where: `${file.path} (document ${index + 1})`,
          };
          this.policies.push(info);
          const ref = spec.imageRepositoryRef;
          if (ref?.name) pending.push({ info, ref: `${ref.namespace ?? namespace}:${ref.name}` });
        }
      });
    }
    for (const { info, ref } of pending) {
      info.image = repositories.get(ref) ?? repositories.get(`*:${ref.split(':')[1]}`);
    }
  }

  /** The policy a marker names (`ns:name`); a manifest without namespace matches any namespace. */
  get(policy: string): PolicyInfo | undefined {
    const name = policy.split(':')[1];
    return this.policies.find((p) => p.key === policy) ?? this.policies.find((p) => p.key === `*:${name}`);
  }

  /** Policies whose ImageRepository holds this image. */
  forImage(matches: (image: string) => boolean): PolicyInfo[] {
    return this.policies.filter((p) => p.image !== undefined && matches(p.image));
  }
}
