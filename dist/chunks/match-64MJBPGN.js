import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b}from"./chunk-N6AB2MV6.js";import"./chunk-7BYEGUHY.js";import"./chunk-EEEC4TXW.js";export{b as globListMatcher,a as picomatchGlob};
