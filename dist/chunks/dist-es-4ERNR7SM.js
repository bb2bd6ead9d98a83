import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b,b as c,c as d}from"./chunk-XLRJCJU3.js";import"./chunk-LPBG6DGP.js";import{O as a}from"./chunk-4BKRLFIP.js";import"./chunk-EEEC4TXW.js";export{b as DEFAULT_REQUEST_TIMEOUT,d as NodeHttp2Handler,c as NodeHttpHandler,a as streamCollector};
