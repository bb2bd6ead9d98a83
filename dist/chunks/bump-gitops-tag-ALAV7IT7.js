import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-NFS2YF2F.js";import"./chunk-UVI2XJ3P.js";import{a}from"./chunk-W6AFRDOR.js";import"./chunk-UV5CIS3G.js";import"./chunk-7RFRVIFE.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
