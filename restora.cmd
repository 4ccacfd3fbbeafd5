@echo off
rem Restora Studio launcher (Windows). Builds the app when it is missing or older than the sources, then runs it:
rem   restora                     opens the studio
rem   restora restore photo.png   runs the command line (restora --help lists the commands)
rem Works from any folder. Environment: JAVA_HOME (JDK 17+), RESTORA_HOME (data folder), RESTORA_JAVA_OPTS.
setlocal EnableExtensions EnableDelayedExpansion
set "ROOT=%~dp0"
if "%ROOT:~-1%"=="\" set "ROOT=%ROOT:~0,-1%"
set "TARGET=%ROOT%\app\target"
set "LIB=%TARGET%\lib"
set "STAMP=%LIB%\.restora-build"

set "BUILD=0"
set "JAR="
for %%J in ("%TARGET%\restora-app-*.jar") do (
    echo %%~nxJ | findstr /i /c:"-tests.jar" /c:"-sources.jar" /c:"-javadoc.jar" >nul || set "JAR=%%~fJ"
)
if not defined JAR set "BUILD=1"
if not exist "%STAMP%" set "BUILD=1"
if "%BUILD%"=="0" (
    rem a source, resource or pom newer than the last build?
    for /f %%N in ('powershell -NoProfile -ExecutionPolicy Bypass -Command "$s=(Get-Item -LiteralPath '%STAMP%').LastWriteTimeUtc; $n=Get-ChildItem -LiteralPath '%ROOT%' -Recurse -File -ErrorAction SilentlyContinue | Where-Object { $_.FullName -notmatch '\\(target|\.git)\\' -and -not $_.FullName.StartsWith('%ROOT%\spark\') -and ($_.FullName -match '\\src\\main\\' -or $_.Name -eq 'pom.xml') -and $_.LastWriteTimeUtc -gt $s } | Select-Object -First 1; if ($n) { 'stale' } else { 'fresh' }"') do (
        if "%%N"=="stale" set "BUILD=1"
    )
)
if "%BUILD%"=="1" (
    where mvn >nul 2>&1 || (echo restora: Maven ^(mvn^) is needed to build the app 1>&2 & exit /b 2)
    echo restora: building the app ^(first run or sources changed^)... 1>&2
    if exist "%LIB%" rmdir /s /q "%LIB%"
    pushd "%ROOT%"
    call mvn -q -B -DskipTests -pl app -am package 1>&2
    if errorlevel 1 (popd & echo restora: the build failed ^(see above^) 1>&2 & exit /b 5)
    popd
    type nul > "%STAMP%"
    for %%J in ("%TARGET%\restora-app-*.jar") do (
        echo %%~nxJ | findstr /i /c:"-tests.jar" /c:"-sources.jar" /c:"-javadoc.jar" >nul || set "JAR=%%~fJ"
    )
)

set "JAVA=java"
if defined JAVA_HOME if exist "%JAVA_HOME%\bin\java.exe" set "JAVA=%JAVA_HOME%\bin\java.exe"

if defined RESTORA_HOME (set "DATA=%RESTORA_HOME%") else (
    if defined LOCALAPPDATA (set "DATA=%LOCALAPPDATA%\Restora") else (set "DATA=%USERPROFILE%\AppData\Local\Restora")
)

if not defined ONEDNN_MAX_CPU_ISA set "ONEDNN_MAX_CPU_ISA=AVX512_CORE_FP16"
set "DJL_OFFLINE=true"
if not defined OPT_OUT_TRACKING set "OPT_OUT_TRACKING=true"
rem the GPU runtime chosen with 'restora gpu' (the app passes it to DJL itself): its folder goes on PATH, because DJL
rem does not preload cuDNN on Windows and torch_cuda.dll otherwise cannot find its dependent libraries (DJL #3740)
if exist "%DATA%\runtime\library-path.txt" (
    set /p RESTORA_RUNTIME=<"%DATA%\runtime\library-path.txt"
)
if defined RESTORA_RUNTIME set "PATH=%RESTORA_RUNTIME%;%PATH%"

"%JAVA%" -XX:MaxDirectMemorySize=8g %RESTORA_JAVA_OPTS% "-Drestora.home=%DATA%" -Dai.djl.offline=true "-DDJL_CACHE_DIR=%DATA%\djl-cache" "-Djna.tmpdir=%DATA%\tmp\jna" "-Djavafx.cachedir=%DATA%\openjfx" -cp "%JAR%;%LIB%\*" dev.restora.app.Main %*
exit /b %ERRORLEVEL%
