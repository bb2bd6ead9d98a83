import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-A3NPALCX.js";import{a}from"./chunk-7LB4CVWD.js";import"./chunk-UV5CIS3G.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
