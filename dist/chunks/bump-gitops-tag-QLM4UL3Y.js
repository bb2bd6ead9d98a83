import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a as b}from"./chunk-ZDWNAMAN.js";import"./chunk-4X6U3QNN.js";import"./chunk-3HFMIZFE.js";import"./chunk-TX2B5OKD.js";import{a}from"./chunk-XSLAN4C3.js";import"./chunk-UV5CIS3G.js";import"./chunk-Q2LQSPDO.js";import"./chunk-ET3Q25VJ.js";import"./chunk-NYRTOUVY.js";export{a as definition,b as run};
