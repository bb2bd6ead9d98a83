import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b}from"./chunk-3KVIXIQS.js";import"./chunk-7BYEGUHY.js";import"./chunk-NYRTOUVY.js";export{b as globListMatcher,a as picomatchGlob};
