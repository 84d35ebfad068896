#!/usr/bin/env ruby
# frozen_string_literal: true

# A tm-conformance/1 adapter: Ticketmatic request signing with Ruby's
# standard library (openssl, json), written from SPEC.md alone.
#
#     tm conformance run -- ruby conformance/adapters/ruby/adapter.rb
#
# To test your own implementation, copy this file and replace the bodies of
# authorization, widget and return_url with calls into your code. Raise
# Refused where your implementation rejects the inputs; any other exception
# crashes the adapter, and the runner reports the crash.

require "json"
require "openssl"

BASE_URL = "https://apps.ticketmatic.com"
UNSIGNED = %w[l ordercode].freeze
LAST_SECOND = 253_402_300_799 # 9999-12-31T23:59:59
UNRESERVED = /\A[A-Za-z0-9\-._~]\z/

class Refused < StandardError; end

def sign(secret, message)
  OpenSSL::HMAC.hexdigest("SHA256", secret.b, message.b)
end

# RFC 3986: unreserved characters stay, every other byte is %XX.
def encode(text)
  text.b.each_char.map { |c| c.match?(UNRESERVED) ? c : format("%%%02X", c.ord) }.join
end

def check_keys(access_key, secret_key)
  raise Refused, "access key: empty, or holds a CR, LF or space" if access_key.empty? || access_key.match?(/[\r\n ]/)
  raise Refused, "secret key: empty" if secret_key.empty?
end

def check_segment(what, text)
  plain = !text.empty? && text.each_char.all? { |c| c.match?(UNRESERVED) }
  raise Refused, "#{what}: not a plain path segment" if !plain || text == "." || text == ".."
end

def timestamp(c)
  unless c.key?("unix_time")
    raise Refused, "timestamp: not YYYY-MM-DDTHH:MM:SS" unless c["timestamp"].match?(/\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\z/)

    return c["timestamp"]
  end
  secs = c["unix_time"]
  raise Refused, "unix_time: outside 1970 to 9999" unless secs.between?(0, LAST_SECOND)

  Time.at(secs).utc.strftime("%Y-%m-%dT%H:%M:%S")
end

# name ++ value of the signed parameters, sorted by the names' UTF-8 bytes.
def canonical(params)
  params.reject { |name, _| UNSIGNED.include?(name) }
        .sort_by { |name, _| name.b }
        .map { |name, value| name + value }
        .join
end

def authorization(c)
  check_keys(c["access_key"], c["secret_key"])
  ts = timestamp(c)
  payload = c["access_key"] + c["account"] + ts
  header = "TM-HMAC-SHA256 key=#{c['access_key']} ts=#{ts} sign=#{sign(c['secret_key'], payload)}"
  { timestamp: ts, header: header, payload: payload }
end

def widget(c)
  check_keys(c["access_key"], c["secret_key"])
  check_segment("account", c["account"])
  check_segment("widget", c["widget"])
  names = c["params"].map(&:first)
  raise Refused, "params: a name appears more than once" if names.uniq.size != names.size
  raise Refused, "params: accesskey and signature are added by the signer" if names.include?("accesskey") || names.include?("signature")

  payload = c["access_key"] + c["account"] + canonical(c["params"])
  signature = sign(c["secret_key"], payload)
  query = c["params"].map { |n, v| "#{encode(n)}=#{encode(v)}&" }.join
  url = "#{BASE_URL}/widgets/#{c['account']}/#{c['widget']}?#{query}" \
        "accesskey=#{encode(c['access_key'])}&signature=#{signature}"
  { signature: signature, url: url, payload: payload }
end

# '+' is a space, %XX a byte in either hex case; the bytes must be UTF-8.
def form_decode(text)
  raw = text.b
  out = +"".b
  i = 0
  while i < raw.bytesize
    case raw[i]
    when "%"
      hex = raw[i + 1, 2]
      raise Refused, "query: '%' in #{text.inspect} is not followed by two hex digits" unless hex&.match?(/\A\h\h\z/)

      out << hex.to_i(16).chr
      i += 3
    else
      out << (raw[i] == "+" ? " " : raw[i])
      i += 1
    end
  end
  decoded = out.force_encoding(Encoding::UTF_8)
  raise Refused, "query: #{text.inspect} does not decode to UTF-8" unless decoded.valid_encoding?

  decoded
end

def return_url(c)
  check_keys(c["access_key"], c["secret_key"])
  check_segment("account", c["account"])
  params = {}
  c["query"].split("&").each do |pair|
    next if pair.empty?

    name, value = pair.split("=", 2)
    name = form_decode(name)
    value = form_decode(value || "")
    raise Refused, "query: #{name.inspect} appears more than once" if params.key?(name)

    params[name] = value
  end
  given_key = params.delete("accesskey")
  given_signature = params.delete("signature")
  payload = c["access_key"] + c["account"] + canonical(params.to_a)
  return { valid: false, error_kind: "bad_access_key", payload: payload } if given_key != c["access_key"]
  return { valid: false, error_kind: "signature_missing", payload: payload } if given_signature.nil?

  expected = sign(c["secret_key"], payload)
  unless given_signature.bytesize == expected.bytesize && OpenSSL.fixed_length_secure_compare(expected, given_signature)
    return { valid: false, error_kind: "signature_mismatch", payload: payload }
  end

  { valid: true, payload: payload }
end

KINDS = {
  "authorization" => method(:authorization),
  "widget" => method(:widget),
  "return_url" => method(:return_url)
}.freeze

def answer(message)
  if message["cmd"] == "start"
    return { implementation: { name: "ruby-stdlib-adapter", language: "Ruby", version: RUBY_VERSION },
             kinds: KINDS.keys }
  end
  c = message["case"]
  { seq: message["seq"], output: KINDS.fetch(c["kind"]).call(c) }
rescue Refused => e
  { seq: message["seq"], refused: e.message }
end

$stdout.sync = true
$stdin.each_line do |line|
  message = JSON.parse(line)
  break if message["cmd"] == "stop"

  puts JSON.generate(answer(message))
end
