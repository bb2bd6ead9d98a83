/** One ImagePolicy object as an ordering of tags, or the finding that Flux would refuse it. */
import { UserError } from '../errors.ts';
import { sameImage } from '../registry/reference.ts';
import type { Finding } from './finding.ts';
import { type FluxObjects, type ImagePolicy, qualifiedName, repositoryOfPolicy } from './objects.ts';
import { policyOrdering, type TagOrdering } from './tag-order.ts';

export function orderingOf(policy: ImagePolicy): TagOrdering | Finding {
  try {
    return policyOrdering(qualifiedName(policy), policy.spec);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return {
      kind: 'invalid-spec',
      object: policy,
      where: { file: policy.where.file, line: policy.patternLine ?? policy.where.line },
      message: `${error.message}: Flux marks the policy not ready and selects nothing`,
    };
  }
}

export const isFinding = (value: TagOrdering | Finding): value is Finding => 'kind' in value;

/** The ImagePolicies whose ImageRepository is `image`. */
export function policiesForImage(objects: FluxObjects, image: string): ImagePolicy[] {
  return objects.imagePolicies.filter((policy) => {
    const repository = repositoryOfPolicy(objects, policy);
    return repository?.image !== undefined && sameImage(repository.image, image);
  });
}
