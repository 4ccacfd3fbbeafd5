<#
.SYNOPSIS
  Packages Restora Studio for Windows with jpackage: an app-image, an .msi and/or an .exe installer, with its own
  Java runtime, JavaFX and the libtorch natives inside (no Maven, no JDK, no download at run time).

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installers\build.ps1                  # app-image only
  powershell -ExecutionPolicy Bypass -File installers\build.ps1 -Type msi        # app-image, then an .msi
  powershell -ExecutionPolicy Bypass -File installers\build.ps1 -Type msi,exe -SkipMaven

.NOTES
  Needs JDK 17+ (with jmods: the Oracle/Adoptium/Microsoft builds have them), Maven 3.8+ and, for .msi/.exe,
  WiX Toolset 3.x (candle.exe and light.exe on the PATH; jpackage 17 does not support WiX 4+). Mirrors build.sh:
  keep the two in step. Not run in this project's CI (no Windows machine there): see installers/README.md.
#>
param(
    [ValidateSet('app-image', 'msi', 'exe')] [string[]] $Type = @('app-image'),
    [switch] $SkipMaven,
    [string] $Out = ''
)
$ErrorActionPreference = 'Stop'
Add-Type -AssemblyName System.IO.Compression.FileSystem

$Here = Split-Path -Parent $MyInvocation.MyCommand.Path
$Root = Split-Path -Parent $Here
if (-not $Out) { $Out = Join-Path $Here 'target' }
function Die([string] $msg) { Write-Error "build.ps1: $msg"; exit 2 }
function Step([string] $msg) { Write-Host "==> $msg" }

# must match the parent pom's os-windows profile
$DjlClassifier = 'win-x86_64'
$FxPlatform = 'win'
$Name = 'Restora Studio'

# ---- tools ------------------------------------------------------------------------------------------------------
if (-not $env:JAVA_HOME) {
    $javac = Get-Command javac -ErrorAction SilentlyContinue
    if (-not $javac) { Die 'a JDK 17+ is needed (set JAVA_HOME or put javac on the PATH)' }
    $env:JAVA_HOME = Split-Path -Parent (Split-Path -Parent $javac.Source)
}
$Jlink = Join-Path $env:JAVA_HOME 'bin\jlink.exe'
$Jpackage = Join-Path $env:JAVA_HOME 'bin\jpackage.exe'
$Jmods = Join-Path $env:JAVA_HOME 'jmods'
foreach ($t in @($Jlink, $Jpackage)) { if (-not (Test-Path $t)) { Die "$t is missing: a full JDK 17+ is needed" } }
if (-not (Test-Path (Join-Path $Jmods 'java.base.jmod'))) { Die "$Jmods is missing: use a JDK that ships jmods" }
if (($Type -contains 'msi' -or $Type -contains 'exe') -and -not (Get-Command candle.exe -ErrorAction SilentlyContinue)) {
    Die 'WiX Toolset 3.x is needed for .msi/.exe (candle.exe and light.exe on the PATH)'
}

function Unzip-Entries([string] $jar, [scriptblock] $select, [string] $dest, [scriptblock] $rename = { param($n) $n }) {
    $zip = [System.IO.Compression.ZipFile]::OpenRead($jar)
    try {
        $n = 0
        foreach ($e in $zip.Entries) {
            if ($e.Name -and (& $select $e.FullName)) {
                $target = Join-Path $dest (& $rename $e.Name)
                [System.IO.Compression.ZipFileExtensions]::ExtractToFile($e, $target, $true)
                $n++
            }
        }
        return $n
    } finally { $zip.Dispose() }
}
function Read-Entry([string] $jar, [string] $path) {
    $zip = [System.IO.Compression.ZipFile]::OpenRead($jar)
    try {
        $e = $zip.GetEntry($path)
        if (-not $e) { return $null }
        $r = New-Object System.IO.StreamReader($e.Open())
        try { return $r.ReadToEnd() } finally { $r.Dispose() }
    } finally { $zip.Dispose() }
}
function Prop([string] $text, [string] $key) {
    foreach ($line in ($text -split "`r?`n")) { if ($line.StartsWith("$key=")) { return $line.Substring($key.Length + 1).Trim() } }
    return $null
}

# ---- 1. the app's jars ------------------------------------------------------------------------------------------
$Target = Join-Path $Root 'app\target'
$Lib = Join-Path $Target 'lib'
if (-not $SkipMaven) {
    if (-not (Get-Command mvn -ErrorAction SilentlyContinue)) { Die 'Maven (mvn) is needed to build the app' }
    Step 'building the app jars (mvn -B -DskipTests -pl app -am package; not the Spark module)'
    if (Test-Path $Lib) { Remove-Item -Recurse -Force $Lib }
    Push-Location $Root
    try { & mvn -B -ntp -DskipTests -pl app -am package; if ($LASTEXITCODE -ne 0) { Die 'the Maven build failed' } } finally { Pop-Location }
}
$AppJar = Get-ChildItem (Join-Path $Target 'restora-app-*.jar') -ErrorAction SilentlyContinue |
    Where-Object { $_.Name -notmatch '-(tests|sources|javadoc)\.jar$' } | Select-Object -First 1
if (-not $AppJar) { Die "no app jar in $Target (run without -SkipMaven)" }
if (-not (Test-Path $Lib)) { Die "$Lib is missing: app/pom.xml's copy-dependencies execution did not run" }
$AppVersion = ($AppJar.BaseName -replace '^restora-app-', '') -replace '-.*$', ''

# ---- 2. jpackage input: jars, libtorch natives, notices -----------------------------------------------------------
$Staging = Join-Path $Out 'input'
$Runtime = Join-Path $Out 'runtime'
$ImageDir = Join-Path $Out 'image'
foreach ($d in @($Staging, $Runtime, $ImageDir)) { if (Test-Path $d) { Remove-Item -Recurse -Force $d } }
$Native = Join-Path $Staging 'native'
New-Item -ItemType Directory -Force -Path $Native, (Join-Path $Staging 'legal\licenses') | Out-Null
Step "staging jars and natives in $Staging"
Copy-Item $AppJar.FullName $Staging
$NativeJar = $null; $JniJar = $null; $EngineJar = $null; $FxJars = @()
foreach ($j in Get-ChildItem (Join-Path $Lib '*.jar')) {
    $b = $j.Name
    if ($b -like "pytorch-native-*-$DjlClassifier.jar") { $NativeJar = $j.FullName; continue }
    if ($b -like 'pytorch-native-*') { continue }
    if ($b -like "javafx-*-$FxPlatform.jar") { $FxJars += $j.FullName; continue }
    if ($b -like 'javafx-*') { continue }
    if ($b -like 'pytorch-jni-*') { $JniJar = $j.FullName }
    if ($b -like 'pytorch-engine-*') { $EngineJar = $j.FullName }
    Copy-Item $j.FullName $Staging
}
if (-not $NativeJar) { Die "no pytorch-native-*-$DjlClassifier.jar in $Lib" }
if (-not $JniJar -or -not $EngineJar) { Die "pytorch-jni or pytorch-engine is missing from $Lib" }
if ($FxJars.Count -eq 0) { Die "no javafx-*-$FxPlatform.jar in $Lib" }

# libtorch in place (PYTORCH_LIBRARY_PATH): DJL loads every file of the folder, so only the DLLs go there
$props = Read-Entry $NativeJar 'native/lib/pytorch.properties'
if (-not $props) { Die "$NativeJar has no native/lib/pytorch.properties" }
$flavor = Prop $props 'flavor'
$torchVersion = (Prop $props 'version') -replace '-.*$', ''
$prefix = "pytorch/$flavor/$DjlClassifier/"
$n = Unzip-Entries $NativeJar { param($p) $p.StartsWith($prefix) } $Native
foreach ($l in ((Prop $props 'libraries') -split ',')) {
    if (-not (Test-Path (Join-Path $Native $l))) { Die "$NativeJar lists $l but does not hold it" }
}
$djlVersion = ([System.IO.Path]::GetFileNameWithoutExtension($EngineJar)) -replace '^pytorch-engine-', ''
$jniVersion = Prop (Read-Entry $JniJar 'jnilib/pytorch.properties') 'jni_version'
if (-not $jniVersion.StartsWith("$torchVersion-$djlVersion")) { Die "pytorch-jni $jniVersion does not match libtorch $torchVersion and DJL $djlVersion" }
$jniPath = "jnilib/$DjlClassifier/$flavor/djl_torch.dll"
$n = Unzip-Entries $JniJar { param($p) $p -eq $jniPath } $Native { param($x) "$djlVersion-$x" }
if ($n -ne 1) { Die "$JniJar has no $jniPath" }

# JNA's native part in place (-Djna.boot.library.path), not unpacked into the data folder at every start
$jnaJar = Get-ChildItem (Join-Path $Staging 'jna-[0-9]*.jar') | Select-Object -First 1
if ($jnaJar) {
    $jnaDir = Join-Path $Staging 'jna'
    New-Item -ItemType Directory -Force -Path $jnaDir | Out-Null
    Unzip-Entries $jnaJar.FullName { param($p) $p -eq 'com/sun/jna/win32-x86-64/jnidispatch.dll' } $jnaDir | Out-Null
}

Copy-Item (Join-Path $Here 'legal\*') (Join-Path $Staging 'legal')
foreach ($j in @(Get-ChildItem (Join-Path $Staging '*.jar') | ForEach-Object FullName) + $FxJars) {
    $d = Join-Path $Staging ('legal\licenses\' + [System.IO.Path]::GetFileNameWithoutExtension($j))
    New-Item -ItemType Directory -Force -Path $d | Out-Null
    $n = Unzip-Entries $j { param($p) $p -match '^META-INF/(LICENSE|LICENCE|NOTICE|COPYING)[^/]*$' } $d
    if ($n -eq 0) { Remove-Item $d }
}

# ---- 3. runtime: jlink with JavaFX, then JavaFX's DLLs into runtime\bin (Windows' library folder) ---------------
$modules = ((Get-Content (Join-Path $Here 'jlink-modules.txt')) | Where-Object { $_ -notmatch '^\s*(#|$)' }) -join ','
$modules += ',javafx.controls,javafx.swing'
Step "jlink: $modules"
& $Jlink --module-path ("$Jmods;" + ($FxJars -join ';')) --add-modules $modules `
    --strip-debug --no-man-pages --no-header-files --output $Runtime
if ($LASTEXITCODE -ne 0) { Die 'jlink failed' }
# the default class-data-sharing archive, which jlink does not make: faster start
& (Join-Path $Runtime 'bin\java.exe') -Xshare:dump | Out-Null
foreach ($j in $FxJars) { Unzip-Entries $j { param($p) $p -notmatch '/' -and $p.EndsWith('.dll') } (Join-Path $Runtime 'bin') | Out-Null }
if (-not (Test-Path (Join-Path $Runtime 'bin\glass.dll'))) { Die 'no JavaFX glass.dll was copied into the runtime' }

# ---- 4. app-image ------------------------------------------------------------------------------------------------
$GuiMain = 'dev.restora.app.Main'
$zip = [System.IO.Compression.ZipFile]::OpenRead($AppJar.FullName)
try { if ($zip.GetEntry('dev/restora/app/studio/StudioApp.class')) { $GuiMain = 'dev.restora.app.studio.StudioApp' } } finally { $zip.Dispose() }
# single quotes: jpackage itself expands $APPDIR when the app starts
$JavaOptions = @('-Dai.djl.offline=true', '-DPYTORCH_LIBRARY_PATH=$APPDIR\native', '-Drestora.libtorch.bundled=$APPDIR\native', '-Djna.boot.library.path=$APPDIR\jna', '-XX:MaxDirectMemorySize=8g',
    '-XX:MaxRAMPercentage=50', '-XX:-UsePerfData')
$Common = @('--name', $Name, '--app-version', $AppVersion, '--vendor', 'Restora Studio',
    '--copyright', 'Copyright the Restora Studio authors; third-party notices in legal\',
    '--description', 'Diffusion restoration of images and speech (ResShift, SGMSE+, StoRM) on your own machine')
$jp = @()
foreach ($o in $JavaOptions) { $jp += @('--java-options', $o) }
Step "jpackage app-image (main class $GuiMain)"
& $Jpackage --type app-image --dest $ImageDir @Common --icon (Join-Path $Here 'icons\restora.ico') `
    --input $Staging --main-jar $AppJar.Name --main-class $GuiMain --runtime-image $Runtime @jp `
    --add-launcher ('restora=' + (Join-Path $Here 'config\cli.properties'))
if ($LASTEXITCODE -ne 0) { Die 'jpackage app-image failed' }
$Image = Join-Path $ImageDir $Name
Write-Host "app-image: $Image"

# ---- 5. installers -----------------------------------------------------------------------------------------------
$fa = @()
foreach ($f in Get-ChildItem (Join-Path $Here 'config\fa-*.properties')) { $fa += @('--file-associations', $f.FullName) }
$PkgDir = Join-Path $Out 'packages'
New-Item -ItemType Directory -Force -Path $PkgDir | Out-Null
foreach ($t in $Type) {
    if ($t -eq 'app-image') { continue }
    Step "jpackage $t"
    # a fixed upgrade code: a newer installer replaces the installed version
    & $Jpackage --type $t --app-image $Image --dest $PkgDir @Common @fa `
        --license-file (Join-Path $Here 'legal\LICENSE.txt') `
        --win-menu --win-menu-group 'Restora Studio' --win-shortcut --win-dir-chooser `
        --win-upgrade-uuid '6f4d3c1e-2b7a-4e59-9c1d-8a5e3f0b7d21'
    if ($LASTEXITCODE -ne 0) { Die "jpackage $t failed" }
}
Get-ChildItem $PkgDir | ForEach-Object { Write-Host ("{0}: {1:N0} MB" -f $_.FullName, ($_.Length / 1MB)) }
