// Slices take the process's platform module (configuration, database, event
// store, projections) as an import rather than finding it global: what a
// module uses shows in its imports, and a test can hand it another platform.
import type { DynamicModule } from '@nestjs/common';

/**
 * A slice module built for a platform, once per platform however many other
 * modules import it (Nest tells dynamic modules apart by reference, so the
 * same object is the same module instance).
 */
export function perPlatform(build: (platform: DynamicModule) => DynamicModule): (platform: DynamicModule) => DynamicModule {
  const built = new WeakMap<DynamicModule, DynamicModule>();
  return (platform) => {
    let module = built.get(platform);
    if (!module) built.set(platform, (module = build(platform)));
    return module;
  };
}
