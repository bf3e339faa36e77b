// devmath-accuracy.cpp - measures the CUDA kernels' math (devmath.h, host build = device build bit for bit) against
// glibc, which the CPU backend calls; the bounds in Backends/Cuda/README.md and CudaBackendTests come from here.
//   g++ -O2 -ffp-contract=off -std=c++17 -Isrc/Tensor/Backends/Cuda/Kernels scripts/cuda/devmath-accuracy.cpp -o build/acc && build/acc
#include "devmath.h"
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <cstdint>
#include <cstdlib>
static long long ulpd(double a, double b){ if (a==b || (a!=a && b!=b)) return 0; long long x,y; memcpy(&x,&a,8); memcpy(&y,&b,8); if(x<0)x=0x8000000000000000LL-x; if(y<0)y=0x8000000000000000LL-y; return llabs(x-y);}
static long long ulpf(float a, float b){ if (a==b || (a!=a && b!=b)) return 0; int x,y; memcpy(&x,&a,4); memcpy(&y,&b,4); if(x<0)x=(int)0x80000000-x; if(y<0)y=(int)0x80000000-y; return llabs((long long)x-y);}
int main(int argc, char** argv){
  std::mt19937_64 g(1); const int N=argc>1?atoi(argv[1]):20000000;
  struct R{const char*n; long long mx; long long diff;} r[13]={{"exp f64"},{"log f64"},{"tanh f64"},{"expf"},{"logf"},{"tanhf"},{"sigmoidf"},{"pow f64 int"},
    {"expf f32"},{"logf f32"},{"tanhf f32"},{"sigmoidf f32"},{"powf"}};   // "f32": float32 arithmetic only (dm_expf...)
  std::uniform_real_distribution<double> ue(-745,710), ul(-300,300), ut(-25,25), us(-100,100);
  for(int i=0;i<N;i++){
    double x=ue(g); long long u=ulpd(dm_exp(x), exp(x)); r[0].mx=std::max(r[0].mx,u); r[0].diff+=u!=0;
    double l=pow(10.0, ul(g)); u=ulpd(dm_log(l), log(l)); r[1].mx=std::max(r[1].mx,u); r[1].diff+=u!=0;
    double t=ut(g)*(i%2?1:1e-3); u=ulpd(dm_tanh(t), tanh(t)); r[2].mx=std::max(r[2].mx,u); r[2].diff+=u!=0;
    float xf=(float)us(g); u=ulpf(dm_expf_cr(xf), expf(xf)); r[3].mx=std::max(r[3].mx,u); r[3].diff+=u!=0;
    float lf=(float)pow(10.0, ul(g)/8); u=ulpf(dm_logf_cr(lf), logf(lf)); r[4].mx=std::max(r[4].mx,u); r[4].diff+=u!=0;
    float tf=(float)(ut(g)*(i%2?1:1e-2)); u=ulpf(dm_tanhf_cr(tf), tanhf(tf)); r[5].mx=std::max(r[5].mx,u); r[5].diff+=u!=0;
    u=ulpf(1.0f/(1.0f+dm_expf_cr(-xf)), 1.0f/(1.0f+expf(-xf))); r[6].mx=std::max(r[6].mx,u); r[6].diff+=u!=0;
    u=ulpf(dm_expf(xf), expf(xf)); r[8].mx=std::max(r[8].mx,u); r[8].diff+=u!=0;
    u=ulpf(dm_logf(lf), logf(lf)); r[9].mx=std::max(r[9].mx,u); r[9].diff+=u!=0;
    u=ulpf(dm_tanhf(tf), tanhf(tf)); r[10].mx=std::max(r[10].mx,u); r[10].diff+=u!=0;
    u=ulpf(1.0f/(1.0f+dm_expf(-xf)), 1.0f/(1.0f+expf(-xf))); r[11].mx=std::max(r[11].mx,u); r[11].diff+=u!=0;   // the kernel's formula (torch's, the CPU's)
    float pb=(float)(us(g)/20+5.1), pe=(float)(ut(g)); u=ulpf(dm_powf(pb,pe), powf(pb,pe)); r[12].mx=std::max(r[12].mx,u); r[12].diff+=u!=0;
    double b=us(g)/10; int e=(int)(g()%19)-9; if (e>=0 && e<=2) e=3; u=ulpd(dm_pow(b,e), pow(b,e)); r[7].mx=std::max(r[7].mx,u); r[7].diff+=u!=0;
  }
  for(auto&q:r) printf("%-12s max %lld ulp vs glibc, differs in %.5f%% of %d samples\n", q.n, q.mx, 100.0*q.diff/N, N);
}
