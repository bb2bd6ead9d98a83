import type { EnvWrites } from '../core/env-vars.ts';

/**
 * The AWS SDK is bundled at a fixed version, so its notice that later SDK releases will need a newer
 * Node.js does not concern this bundle's users: keep it out of their logs.
 */
export function quietBundledSdk(env: EnvWrites = process.env): void {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
