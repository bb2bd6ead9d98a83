import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{c as a,d as b,e as c}from"./chunk-4H6RYJ2L.js";import"./chunk-HQTZRJQS.js";import"./chunk-EEEC4TXW.js";export{c as globListMatcher,b as literalEnds,a as picomatchGlob};
