import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b,c}from"./chunk-OA32J67J.js";import"./chunk-NWPT6MBM.js";import"./chunk-EEEC4TXW.js";export{c as globListMatcher,b as literalEnds,a as picomatchGlob};
