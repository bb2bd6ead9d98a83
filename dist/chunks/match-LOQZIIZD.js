import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b}from"./chunk-HZMVFFNI.js";import"./chunk-NWPT6MBM.js";import"./chunk-EEEC4TXW.js";export{b as globListMatcher,a as picomatchGlob};
