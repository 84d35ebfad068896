<?php
// The mock server's writes as the official PHP client (tm-php) makes them:
// Contacts::create/update/delete and Events::create/update/delete, written
// here from tm-php's code (lib/Request.php, lib/Endpoints/*.php): a JSON body
// of the fields that are not null, `Expect:` cleared, the answer read with
// json_decode, any status but 200 an error. Standard library only (streams,
// hash_hmac): tm-php uses curl, which Debian's php-cli does not ship.
//
//     php cli/typed-client-php/client.php BASE_URL

declare(strict_types=1);

const ACCESS_KEY = 'azertyuiop';
const SECRET_KEY = 'qsdfghjklm';
const ACCOUNT = 'myaccountname';

function fail(string $why): never
{
    fwrite(STDERR, "typed PHP client: $why\n");
    exit(1);
}

/** One request as tm-php's Request::run sends it; [status, decoded body]. */
function request(string $base, string $method, string $path, ?array $body = null): array
{
    $ts = gmdate('Y-m-d\TH:i:s');
    $sign = hash_hmac('sha256', ACCESS_KEY . ACCOUNT . $ts, SECRET_KEY);
    $headers = [
        'User-Agent: ticketmatic/php (typed client)',
        'Authorization: TM-HMAC-SHA256 key=' . ACCESS_KEY . " ts=$ts sign=$sign",
    ];
    $options = ['method' => $method, 'ignore_errors' => true, 'header' => ''];
    if ($body !== null) {
        // tm-php drops the null fields, then json_encode's the rest.
        $options['content'] = json_encode(array_filter($body, fn ($v) => $v !== null), JSON_THROW_ON_ERROR);
        $headers[] = 'Expect:';
        $headers[] = 'Content-Type: application/json';
    }
    $options['header'] = implode("\r\n", $headers);
    $url = "$base/api/1/" . ACCOUNT . "/$path";
    $text = @file_get_contents($url, false, stream_context_create(['http' => $options]));
    if ($text === false) {
        fail("$method $url: no answer");
    }
    preg_match('#^HTTP/\S+ (\d+)#', $http_response_header[0] ?? '', $status);
    return [(int) ($status[1] ?? 0), json_decode($text)];
}

/** What tm-php's create/update/get return: the 200 answer as an object. */
function ok(string $base, string $method, string $path, ?array $body = null): ?object
{
    [$status, $value] = request($base, $method, $path, $body);
    if ($status !== 200) {
        fail("$method $path: HTTP $status: " . json_encode($value));
    }
    return $value;
}

if ($argc !== 2) {
    fail('usage: php client.php BASE_URL');
}
$base = rtrim($argv[1], '/');
$done = [];
foreach ([
    ['contacts', ['firstname' => 'Grace', 'lastname' => 'Hopper', 'email' => 'grace@example.org', 'birthdate' => null], ['lastname' => 'Murray']],
    ['events', ['name' => 'Opening night', 'startts' => '2027-01-15 20:00:00'], ['subtitle' => 'sold out']],
] as [$list, $fields, $change]) {
    $created = ok($base, 'POST', $list, $fields);
    if (!is_int($created->id ?? null) || $created->id <= 0) {
        fail("$list: create answered no id: " . json_encode($created));
    }
    $read = ok($base, 'GET', "$list/{$created->id}");
    foreach ($fields as $name => $value) {
        if ($value !== null && ($read->$name ?? null) !== $value) {
            fail("$list/{$created->id}: $name is " . json_encode($read->$name ?? null) . ", created as " . json_encode($value));
        }
    }
    $updated = ok($base, 'PUT', "$list/{$created->id}", $change);
    foreach ($change as $name => $value) {
        if (($updated->$name ?? null) !== $value) {
            fail("$list/{$created->id}: update left $name at " . json_encode($updated->$name ?? null));
        }
    }
    $first = array_key_first($fields);
    if (($updated->$first ?? null) !== $fields[$first]) {
        fail("$list/{$created->id}: the update lost $first");
    }
    [$status] = request($base, 'DELETE', "$list/{$created->id}");
    if ($status !== 200) {
        fail("$list/{$created->id}: delete answered HTTP $status");
    }
    [$status, $error] = request($base, 'GET', "$list/{$created->id}");
    // tm-php's ClientException reads code and message.
    if ($status !== 404 || ($error->code ?? null) !== 404 || ($error->message ?? '') === '') {
        fail("$list/{$created->id}: after delete HTTP $status: " . json_encode($error));
    }
    $done[] = $list;
}
[$status, $error] = request($base, 'POST', 'contacts', ['firstname' => 7]);
if ($status !== 400 || ($error->applicationdata->field ?? null) !== 'firstname') {
    fail('a field of the wrong type: HTTP ' . $status . ': ' . json_encode($error));
}
printf("typed PHP client (tm-php's requests): %s created, read, updated, deleted and gone (404); a wrong type refused (400: %s)\n",
    implode(' and ', $done), $error->message);
