// Makes the machine ready to run the built app: dependencies, Debian's Chromium, a fresh build.
import { ensureBuild, ensureChromium, ensureDependencies } from './lib.mjs';

await ensureDependencies();
await ensureChromium();
await ensureBuild();
