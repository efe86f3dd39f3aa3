/** Computing units: the model, the Lua sandbox, the ngx API and the phase runner. */
package io.nott.unit;
