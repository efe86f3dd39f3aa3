# ngx.encode_args, ngx.decode_args and ngx.req.get_uri_args (issue #12).

=== decode_args simple
--- content
local a = ngx.decode_args("a=1&b=2")
ngx.say(a.a, " ", a.b)
--- expect_status
200
--- expect_body
1 2

=== decode_args valueless key is true
--- content
local a = ngx.decode_args("flag&x=")
ngx.say(tostring(a.flag), " [", a.x, "]")
--- expect_status
200
--- expect_body
true []

=== decode_args repeated key is a table
--- content
local a = ngx.decode_args("a=1&a=2&a=3")
ngx.say(type(a.a), " ", table.concat(a.a, ","))
--- expect_status
200
--- expect_body
table 1,2,3

=== decode_args unescapes keys and values
--- content
local a = ngx.decode_args("a%20b=c+d&e=%41")
ngx.say(a["a b"], " ", a.e)
--- expect_status
200
--- expect_body
c d A

=== decode_args empty key is skipped
--- content
local a = ngx.decode_args("=v&k=1")
local n = 0 for k in pairs(a) do n = n + 1 end
ngx.say(n, " ", a.k, " ", tostring(a[""]))
--- expect_status
200
--- expect_body
1 1 nil

=== decode_args empty parts are skipped
--- content
local a = ngx.decode_args("&&a=1&&")
local n = 0 for k in pairs(a) do n = n + 1 end
ngx.say(n, " ", a.a)
--- expect_status
200
--- expect_body
1 1

=== decode_args max args
--- content
local a = ngx.decode_args("a=1&b=2&c=3", 2)
ngx.say(a.a, " ", a.b, " ", tostring(a.c))
--- expect_status
200
--- expect_body
1 2 nil

=== decode_args max zero means unlimited
--- content
local q = {}
for i = 1, 150 do q[#q + 1] = "k" .. i .. "=" .. i end
local a = ngx.decode_args(table.concat(q, "&"), 0)
ngx.say(a.k150)
--- expect_status
200
--- expect_body
150

=== decode_args default limit is 100
--- content
local q = {}
for i = 1, 150 do q[#q + 1] = "k" .. i .. "=" .. i end
local a = ngx.decode_args(table.concat(q, "&"))
ngx.say(tostring(a.k100), " ", tostring(a.k101))
--- expect_status
200
--- expect_body
100 nil

=== decode_args value with equals sign
--- content
local a = ngx.decode_args("a=b=c")
ngx.say(a.a)
--- expect_status
200
--- expect_body
b=c

=== decode_args valueless then valued repeat
--- content
local a = ngx.decode_args("a&a=1")
ngx.say(tostring(a.a[1]), " ", a.a[2])
--- expect_status
200
--- expect_body
true 1

=== encode_args simple
--- content
ngx.say(ngx.encode_args({ a = "b c" }))
--- expect_status
200
--- expect_body
a=b%20c

=== encode_args boolean true is a bare key and false is skipped
--- content
ngx.say(ngx.encode_args({ flag = true }), "|", ngx.encode_args({ off = false }), "|")
--- expect_status
200
--- expect_body
flag||

=== encode_args list values repeat the key
--- content
ngx.say(ngx.encode_args({ a = { "1", "2" } }))
--- expect_status
200
--- expect_body
a=1&a=2

=== encode_args number value
--- content
ngx.say(ngx.encode_args({ n = 3 }))
--- expect_status
200
--- expect_body
n=3

=== encode_args escapes keys
--- content
ngx.say(ngx.encode_args({ ["a b/c"] = "x&y=z" }))
--- expect_status
200
--- expect_body
a%20b%2Fc=x%26y%3Dz

=== encode_args empty table
--- content
ngx.say("[", ngx.encode_args({}), "]")
--- expect_status
200
--- expect_body
[]

=== encode_args function value raises an error
--- content
local ok, err = pcall(ngx.encode_args, { b = function() end })
ngx.say(tostring(ok), " ", err:match("attempt.*"))
--- expect_status
200
--- expect_body
false attempt to use function as query arg value

=== encode_args number key raises an error
--- content
local ok, err = pcall(ngx.encode_args, { [1] = "x" })
ngx.say(tostring(ok), " ", err:match("attempt.*"))
--- expect_status
200
--- expect_body
false attempt to use a non-string key in the "args" option table

=== encode_args list of mixed values
--- content
ngx.say(ngx.encode_args({ a = { true, false, "x", 1 } }))
--- expect_status
200
--- expect_body
a&a=x&a=1

=== encode_args empty list and empty string
--- content
ngx.say("[", ngx.encode_args({ a = {} }), "] ", ngx.encode_args({ a = "" }))
--- expect_status
200
--- expect_body
[] a=

=== encode_args of nil raises an error
--- content
local ok, err = pcall(ngx.encode_args, nil)
ngx.say(tostring(ok), " ", err:match("bad argument.*"))
--- expect_status
200
--- expect_body
false bad argument #1 to '?' (table expected, got nil)

=== decode_args of nil raises an error
--- content
local ok, err = pcall(ngx.decode_args, nil)
ngx.say(tostring(ok), " ", err:match("bad argument.*"))
--- expect_status
200
--- expect_body
false bad argument #1 to '?' (string expected, got nil)

=== decode_args empty keys count toward the limit
--- content
local a, err = ngx.decode_args("=1&=2&k=3", 1)
ngx.say(tostring(a.k), " ", tostring(err))
--- expect_status
200
--- expect_body
nil truncated

=== get_uri_args simple
--- request
GET /t?a=1&b=hello%20world
--- content
local a = ngx.req.get_uri_args()
ngx.say(a.a, " ", a.b)
--- expect_status
200
--- expect_body
1 hello world

=== get_uri_args valueless and empty value
--- request
GET /t?flag&e=
--- content
local a = ngx.req.get_uri_args()
ngx.say(tostring(a.flag), " [", a.e, "]")
--- expect_status
200
--- expect_body
true []

=== get_uri_args repeated keys
--- request
GET /t?x=1&x=2
--- content
local a = ngx.req.get_uri_args()
ngx.say(table.concat(a.x, ","))
--- expect_status
200
--- expect_body
1,2

=== get_uri_args empty key
--- request
GET /t?=1&a=2
--- content
local a = ngx.req.get_uri_args()
local n = 0 for k in pairs(a) do n = n + 1 end
ngx.say(n, " ", a.a)
--- expect_status
200
--- expect_body
1 2

=== get_uri_args plus is a space
--- request
GET /t?q=a+b
--- content
ngx.say(ngx.req.get_uri_args().q)
--- expect_status
200
--- expect_body
a b

=== get_uri_args max args and truncated
--- request
GET /t?a=1&b=2&c=3
--- content
local a, err = ngx.req.get_uri_args(2)
local n = 0 for k in pairs(a) do n = n + 1 end
ngx.say(n, " ", tostring(err))
--- expect_status
200
--- expect_body
2 truncated

=== get_uri_args under the limit is not truncated
--- request
GET /t?a=1&b=2
--- content
local a, err = ngx.req.get_uri_args(2)
ngx.say(tostring(err))
--- expect_status
200
--- expect_body
nil

=== get_uri_args default limit 100
--- request
GET /t?k1=1&k2=2&k3=3&k4=4&k5=5&k6=6&k7=7&k8=8&k9=9&k10=10&k11=11&k12=12&k13=13&k14=14&k15=15&k16=16&k17=17&k18=18&k19=19&k20=20&k21=21&k22=22&k23=23&k24=24&k25=25&k26=26&k27=27&k28=28&k29=29&k30=30&k31=31&k32=32&k33=33&k34=34&k35=35&k36=36&k37=37&k38=38&k39=39&k40=40&k41=41&k42=42&k43=43&k44=44&k45=45&k46=46&k47=47&k48=48&k49=49&k50=50&k51=51&k52=52&k53=53&k54=54&k55=55&k56=56&k57=57&k58=58&k59=59&k60=60&k61=61&k62=62&k63=63&k64=64&k65=65&k66=66&k67=67&k68=68&k69=69&k70=70&k71=71&k72=72&k73=73&k74=74&k75=75&k76=76&k77=77&k78=78&k79=79&k80=80&k81=81&k82=82&k83=83&k84=84&k85=85&k86=86&k87=87&k88=88&k89=89&k90=90&k91=91&k92=92&k93=93&k94=94&k95=95&k96=96&k97=97&k98=98&k99=99&k100=100&k101=101&k102=102&k103=103&k104=104&k105=105&k106=106&k107=107&k108=108&k109=109&k110=110&k111=111&k112=112&k113=113&k114=114&k115=115&k116=116&k117=117&k118=118&k119=119&k120=120
--- content
local a, err = ngx.req.get_uri_args()
local n = 0 for k in pairs(a) do n = n + 1 end
ngx.say(n, " ", tostring(err))
--- expect_status
200
--- expect_body
100 truncated

=== get_uri_args without a query
--- content
local a = ngx.req.get_uri_args()
ngx.say(next(a) == nil)
--- expect_status
200
--- expect_body
true

=== decode_args truncated second return
--- content
local a, err = ngx.decode_args("a=1&b=2&c=3", 1)
ngx.say(tostring(a.a), " ", tostring(err))
--- expect_status
200
--- expect_body
1 truncated

=== get_uri_args after ngx.req.set_uri_args
--- content
ngx.req.set_uri_args("x=1&y=2")
local a = ngx.req.get_uri_args()
ngx.say(a.x, " ", a.y)
--- expect_status
200
--- expect_body
1 2

=== get_uri_args after ngx.var.args is set
--- request
GET /t?old=1
--- content
ngx.var.args = "new=2"
local a = ngx.req.get_uri_args()
ngx.say(tostring(a.old), " ", tostring(a.new))
--- expect_status
200
--- expect_body
nil 2

=== get_uri_args with escaped ampersand and equals
--- request
GET /t?a=%26%3D&b%3D=1
--- content
local a = ngx.req.get_uri_args()
ngx.say(a.a, " ", a["b="])
--- expect_status
200
--- expect_body
&= 1

=== get_uri_args max zero means unlimited
--- content
local a = ngx.req.get_uri_args(0)
ngx.say(next(a) == nil)
--- expect_status
200
--- expect_body
true

=== get_uri_args utf-8 values
--- request
GET /t?q=%E4%BD%A0%E5%A5%BD
--- content
ngx.say(ngx.req.get_uri_args().q)
--- expect_status
200
--- expect_body
你好

=== encode_args then decode_args round trip
--- content
local a = ngx.decode_args(ngx.encode_args({ k = "a b&c=d/é" }))
ngx.say(a.k)
--- expect_status
200
--- expect_body
a b&c=d/é

=== decode_args plus in a key
--- content
local a = ngx.decode_args("a+b=1")
ngx.say(a["a b"])
--- expect_status
200
--- expect_body
1

=== decode_args lone percent kept
--- content
local a = ngx.decode_args("a=%&b=%4")
ngx.say(a.a, " ", a.b)
--- expect_status
200
--- expect_body
% %4

=== get_uri_args keys are case sensitive
--- request
GET /t?A=1&a=2
--- content
local a = ngx.req.get_uri_args()
ngx.say(a.A, " ", a.a)
--- expect_status
200
--- expect_body
1 2

