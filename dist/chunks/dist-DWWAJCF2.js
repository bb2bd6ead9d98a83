import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b,c,d}from"./chunk-3574SLOQ.js";import"./chunk-EEEC4TXW.js";export{d as Agent,b as json,c as req,a as toBuffer};
