import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-Y25Z5PNJ.js";import"./chunk-T63XBWIP.js";import"./chunk-Y7IBSTAS.js";import"./chunk-3BYHCKPE.js";import"./chunk-NYRTOUVY.js";export{f as ENV_ACCOUNT_ID,e as ENV_CREDENTIAL_SCOPE,d as ENV_EXPIRATION,a as ENV_KEY,b as ENV_SECRET,c as ENV_SESSION,g as fromEnv};
